import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App';
import './global.css';

// The page's CSP admits <style> elements by this page's nonce (http/console.go).
// Ant Design passes it to the styles it writes (ConfigProvider csp, App.tsx);
// a few helpers beneath it (rc-component's scrollbar measure and scroll
// lock) create <style> elements without it. Every script here is our own
// (script-src 'self'), so each <style> our code creates gets the nonce; markup
// injected into the page, which is what the nonce guards against, does not
// pass through createElement.
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce;
if (nonce) {
  const create = document.createElement.bind(document);
  document.createElement = ((tag: string, options?: ElementCreationOptions) => {
    const el = create(tag, options);
    if (el instanceof HTMLStyleElement) el.nonce = nonce;
    return el;
  }) as typeof document.createElement;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
