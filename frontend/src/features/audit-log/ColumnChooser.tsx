import { Button, Checkbox, Popover, Stack, Text } from '@mantine/core';
import { columnsFor, defaultColumns, toggleColumn } from './columnChoice';

/** "Columns": which columns the table shows; the choice is remembered per user in this browser. */
export function ColumnChooser({ showTenant, value, onChange }: { showTenant: boolean; value: readonly string[]; onChange(ids: string[]): void }) {
  return (
    <Popover position="bottom-end" withinPortal trapFocus shadow="md">
      <Popover.Target>
        <Button variant="default" size="sm" aria-haspopup="dialog">
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <fieldset className="tm-fieldset" aria-describedby="columns-help">
          <legend>
            <Text size="sm" fw={600}>
              Columns
            </Text>
          </legend>
          <Stack gap={6} mt={4}>
            {columnsFor(showTenant).map((c) => (
              <Checkbox
                key={c.id}
                size="xs"
                label={c.label}
                checked={value.includes(c.id)}
                disabled={value.length === 1 && value.includes(c.id)}
                onChange={() => onChange(toggleColumn(value, c.id, showTenant))}
              />
            ))}
          </Stack>
        </fieldset>
        <Text id="columns-help" size="xs" c="dimmed" mt="xs" maw={200}>
          Remembered for you in this browser.
        </Text>
        <Button variant="subtle" size="xs" mt={4} px={0} onClick={() => onChange(defaultColumns(showTenant))}>
          Reset to defaults
        </Button>
      </Popover.Dropdown>
    </Popover>
  );
}
