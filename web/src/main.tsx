// Entry point: applies the remembered theme (before the first paint of the app), then mounts the
// App with the query client.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { createQueryClient } from './lib/query-client';
import { applyThemeChoice, readThemeChoice } from './features/theme/hooks/use-theme';
import './styles.css';

applyThemeChoice(readThemeChoice());

const queryClient = createQueryClient();

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
