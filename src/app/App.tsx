import { BackendStatus } from './BackendStatus';

export function App() {
  return (
    <main>
      <h1>LUCID Explorer</h1>
      <BackendStatus />
    </main>
  );
}
