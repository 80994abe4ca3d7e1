import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { createStores } from './stores/index.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

const api = window.api;
if (!api) {
  root.textContent = 'This window was opened without the desktop bridge (window.api). Start it from the SCIM Directory Sync app.';
} else {
  createRoot(root).render(
    <StrictMode>
      <App api={api} stores={createStores(api)} />
    </StrictMode>,
  );
}
