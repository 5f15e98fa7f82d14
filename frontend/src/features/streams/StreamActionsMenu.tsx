import { Menu } from '@mantine/core';
import type { ReactNode } from 'react';
import type { useStreamActions } from './StreamActions';
import type { Stream } from './useLiveStreams';

/** A stream's actions in a menu: the list's row menu. */
export function StreamActionsMenu({ stream, actions, target }: { stream: Stream; actions: ReturnType<typeof useStreamActions>; target: ReactNode }) {
  const paused = stream.status === 'PAUSED';
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>{target}</Menu.Target>
      <Menu.Dropdown>
        <Menu.Item onClick={() => actions.test(stream)}>Send test event</Menu.Item>
        {paused ? <Menu.Item onClick={() => actions.resume(stream)}>Resume</Menu.Item> : <Menu.Item onClick={() => actions.pause(stream)}>Pause</Menu.Item>}
        <Menu.Item onClick={() => actions.edit(stream)}>Edit</Menu.Item>
        {stream.kind === 'WEBHOOK' && <Menu.Item onClick={() => actions.rotate(stream)}>Rotate signing secret</Menu.Item>}
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => actions.remove(stream)}>
          Delete
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
