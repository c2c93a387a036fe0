/** Small DOM helpers: the page builds every node with these (no innerHTML anywhere). */

export type Child = Node | string | number | null | undefined | false;

/** `<tag attributes…>children…</tag>`; null/undefined attributes and children are left out. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | null | undefined> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** The element with this id, of this type; a missing one is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string, type?: new () => T): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`missing #${id}`);
  if (type !== undefined && !(element instanceof type)) throw new Error(`#${id} is not a ${type.name}`);
  return element as T;
}

/** `<time datetime=…>text</time>`. */
export function timeElement(iso: string, text: string): HTMLTimeElement {
  return el('time', { datetime: iso }, text);
}
