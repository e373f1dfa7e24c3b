/**
 * Message components as Discord takes them without IS_COMPONENTS_V2 (the
 * flag is not modelled): up to 5 action rows, each holding up to 5 buttons
 * or one select menu; custom ids of 1–100 characters, unique in the
 * message; button labels up to 80. Discord echoes components with an `id`
 * numbered in tree order where the request gave none, and so does the fake.
 * The shapes follow the OpenAPI spec's ActionRowComponentForMessageRequest
 * and ButtonComponentForMessageRequest.
 */
import { formErrorAt } from './http-io.ts';
import { ButtonStyle, ComponentType, MAX_ACTION_ROWS, MAX_ROW_COMPONENTS } from './protocol.ts';

type Path = ReadonlyArray<string | number>;

/** Select menus (string, user, role, mentionable, channel): one fills a row. */
const SELECT_TYPES = new Set([3, 5, 6, 7, 8]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The components of a message body, checked and numbered; undefined when the body has none. */
export function readComponents(raw: unknown, path: Path): Array<Record<string, unknown>> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw formErrorAt(path, 'BASE_TYPE_ARRAY', 'Must be an array.');
  if (raw.length > MAX_ACTION_ROWS) throw formErrorAt(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${MAX_ACTION_ROWS} or fewer in length.`);
  const customIds = new Set<string>();
  let nextId = 1;
  return raw.map((row: unknown, i) => {
    const rowPath = [...path, i];
    if (!isObject(row) || row.type !== ComponentType.ActionRow) {
      throw formErrorAt([...rowPath, 'type'], 'BASE_TYPE_CHOICES', `Value must be one of {${ComponentType.ActionRow}}.`);
    }
    const rowId = typeof row.id === 'number' ? row.id : nextId;
    nextId = rowId + 1;
    const children = row.components;
    if (!Array.isArray(children) || children.length === 0) {
      throw formErrorAt([...rowPath, 'components'], 'BASE_TYPE_MIN_LENGTH', 'Must be 1 or more in length.');
    }
    const hasSelect = children.some((c: unknown) => isObject(c) && SELECT_TYPES.has(c.type as number));
    if (children.length > MAX_ROW_COMPONENTS || (hasSelect && children.length > 1)) {
      throw formErrorAt([...rowPath, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED', 'The specified component exceeds the maximum width');
    }
    const components = children.map((child: unknown, j) => {
      const childPath = [...rowPath, 'components', j];
      const component = readChild(child, childPath);
      const customId = component.custom_id;
      if (typeof customId === 'string') {
        if (customIds.has(customId)) throw formErrorAt([...childPath, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED', 'Component custom id cannot be duplicated');
        customIds.add(customId);
      }
      const id = typeof component.id === 'number' ? component.id : nextId;
      nextId = id + 1;
      return { ...component, id };
    });
    return { ...row, id: rowId, components };
  });
}

function readChild(child: unknown, path: Path): Record<string, unknown> {
  if (!isObject(child) || (child.type !== ComponentType.Button && !SELECT_TYPES.has(child.type as number))) {
    throw formErrorAt([...path, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of {2, 3, 5, 6, 7, 8}.');
  }
  const customId = child.custom_id;
  const checkCustomId = (): void => {
    if (typeof customId !== 'string') throw formErrorAt([...path, 'custom_id'], 'BASE_TYPE_REQUIRED', 'This field is required');
    if (customId.length < 1 || customId.length > 100) throw formErrorAt([...path, 'custom_id'], 'BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
  };
  if (child.type !== ComponentType.Button) {
    checkCustomId();
    return child;
  }
  const style = child.style;
  if (typeof style !== 'number' || !Number.isInteger(style) || style < ButtonStyle.Primary || style > ButtonStyle.Premium) {
    throw formErrorAt([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of {1, 2, 3, 4, 5, 6}.');
  }
  if (typeof child.label === 'string' && child.label.length > 80) throw formErrorAt([...path, 'label'], 'BASE_TYPE_MAX_LENGTH', 'Must be 80 or fewer in length.');
  if (style === ButtonStyle.Link) {
    if (typeof child.url !== 'string') throw formErrorAt([...path, 'url'], 'BASE_TYPE_REQUIRED', 'This field is required');
  } else if (style !== ButtonStyle.Premium) {
    // Every button but a link or premium one answers with an interaction, named by its custom id.
    checkCustomId();
  }
  return child;
}

/** The component with `customId` among a message's rows. */
export function findComponent(rows: readonly unknown[], customId: string): Record<string, unknown> | undefined {
  for (const row of rows) {
    if (!isObject(row) || !Array.isArray(row.components)) continue;
    for (const component of row.components as unknown[]) {
      if (isObject(component) && component.custom_id === customId) return component;
    }
  }
  return undefined;
}
