/** The IndexedDB database this origin keeps rooms in (see kept-store.ts). */
export const KEPT_DATABASE = 'meshchat-kept';
