/**
 * Event forms generated from the machines' zod payload schemas (through `z.toJSONSchema`, as the
 * OpenAPI document is): one labelled field per property, and the form's text turned back into the
 * payload the engine validates — so a bad value is refused by the same schema, in the same words,
 * as over the API.
 */
import { z } from 'zod';

/** One field of an event form. */
export interface FormField {
  name: string;
  label: string;
  /** text, textarea (long text), lines (a list, one item a line), select, checkbox, number, datetime */
  control: 'text' | 'textarea' | 'lines' | 'select' | 'checkbox' | 'number' | 'datetime';
  required: boolean;
  options: readonly string[];
  /** The schema's own description of the field; the page adds how to write lists and times. */
  hint: string | null;
}

interface JsonProperty {
  type?: string;
  format?: string;
  enum?: string[];
  maxLength?: number;
  items?: JsonProperty;
  description?: string;
}

const cache = new WeakMap<z.ZodType, FormField[]>();
const words = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** The fields of a payload schema, in declaration order (computed once per schema). */
export function formFields(schema: z.ZodType): FormField[] {
  const cached = cache.get(schema);
  if (cached) return cached;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, JsonProperty>; required?: string[] };
  const required = new Set(json.required ?? []);
  const fields = Object.entries(json.properties ?? {}).map(([name, p]): FormField => {
    const control: FormField['control'] =
      p.type === 'array' ? 'lines' : p.enum ? 'select' : p.type === 'boolean' ? 'checkbox' : p.type === 'number' || p.type === 'integer' ? 'number' : p.format === 'date-time' ? 'datetime' : (p.maxLength ?? 4000) > 200 ? 'textarea' : 'text';
    return { name, label: words(name), control, required: required.has(name), options: p.enum ?? [], hint: p.description ?? null };
  });
  cache.set(schema, fields);
  return fields;
}

/** The payload a submitted form stands for: empty fields left out, lists split into lines, checkboxes as booleans, numbers as numbers. */
export function payloadFromForm(fields: readonly FormField[], form: Record<string, unknown>): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const field of fields) {
    const raw = form[field.name];
    const value = typeof raw === 'string' ? raw : Array.isArray(raw) ? raw.join('\n') : undefined;
    if (field.control === 'checkbox') {
      if (value !== undefined) payload[field.name] = true;
      continue;
    }
    if (value === undefined || value.trim() === '') continue;
    if (field.control === 'lines') payload[field.name] = value.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
    else if (field.control === 'number') payload[field.name] = Number(value);
    else payload[field.name] = value;
  }
  return payload;
}
