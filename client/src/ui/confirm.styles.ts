import { css } from 'lit';

/** A question asked in place (leave the room? move to another?): its two answers side by side. */
export const confirmStyles = css`
  .confirm {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 0.5rem;
    padding: 0.5rem;
    border: 1px solid var(--danger);
    border-radius: 0.25rem;
  }
  .confirm p {
    grid-column: 1 / -1;
    margin: 0;
  }
  .confirm .danger {
    color: var(--danger);
    font-weight: 600;
  }
`;
