import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import 'stompkit/styles.css';
import './demo.css';

const root = document.getElementById('root');
if (!root) throw new Error('demo: #root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
