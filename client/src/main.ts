import './zod-config';
import './page.css';
import './chat-app';
