/**
 * Stripe's request bodies: `application/x-www-form-urlencoded` with
 * brackets for nesting (`line_items[0][price]=price_x`,
 * `metadata[userId]=…`), as the SDK encodes them.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject { [key: string]: FormValue }

export function parseFormBody(text: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const path = key.replace(/\]/g, '').split('[');
    let node: FormObject | FormValue[] = root;
    path.forEach((part, i) => {
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(path[i + 1]!);
      const slot = node as Record<string, FormValue>;
      if (last) {
        slot[part] = value;
      } else {
        slot[part] ??= nextIsIndex ? [] : {};
        node = slot[part] as FormObject | FormValue[];
      }
    });
  }
  return root;
}
