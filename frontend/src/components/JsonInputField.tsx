import { Textarea } from '@mantine/core';

/** Parses a JSON object from text; '' is null. Returns an error message for bad input. */
export function parseJSONObject(text: string): { value: Record<string, unknown> | null; error: string | null } {
  if (text.trim() === '') return { value: null, error: null };
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { value: null, error: 'Must be a JSON object' };
    return { value: v as Record<string, unknown>, error: null };
  } catch (e) {
    return { value: null, error: `Invalid JSON: ${(e as Error).message}` };
  }
}

export function JsonInputField({ label, value, onChange, description }: { label: string; value: string; onChange(v: string): void; description?: string }) {
  const { error } = parseJSONObject(value);
  return (
    <Textarea
      label={label}
      description={description}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      autosize
      minRows={3}
      ff="monospace"
      spellCheck={false}
    />
  );
}
