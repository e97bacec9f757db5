import { render, useApp, useInput, useStdout } from 'ink';
import { useEffect, useState } from 'react';
import type { DashboardFrame } from './frame.ts';
import { keyAction } from './keys.ts';
import { startDashboard, type DashboardOptions, type DashboardSession } from './session.ts';
import { DashboardView } from './view.tsx';

/** Wires keys to the session and the session's frames to the view; it shows nothing of its own. */
function LiveDashboard({ session }: { session: DashboardSession }) {
  const [frame, setFrame] = useState<DashboardFrame | undefined>();
  const { stdout } = useStdout();
  const [width, setWidth] = useState(stdout.columns || 80);
  const { exit } = useApp();
  useEffect(() => session.onFrame(setFrame), [session]);
  useEffect(() => {
    const resize = () => setWidth(stdout.columns || 80);
    stdout.on('resize', resize);
    return () => void stdout.off('resize', resize);
  }, [stdout]);
  useEffect(() => void session.closed.then(() => exit()), [session, exit]);
  useInput((input, key) => {
    const action = key.ctrl && input === 'c' ? { type: 'quit' as const } : keyAction(input);
    if (action) session.apply(action);
  });
  return frame ? <DashboardView frame={frame} width={width} /> : null;
}

/** Starts the dashboard on this terminal; resolves once `q` (or Ctrl-C) has stopped everything. */
export async function runDashboard(opts: DashboardOptions): Promise<void> {
  const session = startDashboard(opts);
  // Ctrl-C is a key here, so quitting goes through the same clean stop as `q`.
  const app = render(<LiveDashboard session={session} />, { exitOnCtrlC: false });
  try {
    await session.closed;
    await app.waitUntilExit();
  } finally {
    await session.close();
    app.unmount();
  }
}
