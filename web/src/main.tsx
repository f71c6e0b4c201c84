import '@mantine/core/styles.css';
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { routerBase } from './lib/base';
import { newQueryClient, Providers } from './providers';

const client = newQueryClient();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Providers client={client}>
      <BrowserRouter basename={routerBase()}>
        <App />
      </BrowserRouter>
    </Providers>
  </StrictMode>,
);
