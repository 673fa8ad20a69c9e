// The window's dialogs are kept in files of their own, beside the code
// that drives them (the destination form in destinations/form.html, …);
// they are fetched and put at the end of <body> before the app wires
// them. index.html holds the window itself: header, views, the delivery
// panel, footer.

const FRAGMENTS = [
  'destinations/form.html',
  'watches/form.html',
  'destinations/details.html',
  'destinations/probe.html',
  'delivery/dialogs.html',
  'components/dialogs.html',
  'destinations/import.html',
];

/** Fetch every fragment (at once) and append them to <body> in their order. */
export async function loadFragments() {
  const texts = await Promise.all(
    FRAGMENTS.map(async (path) => {
      const res = await fetch(path);
      if (!res.ok) throw new Error(`${path} could not be loaded (${res.status} ${res.statusText})`);
      return res.text();
    }),
  );
  // Parsed as inert documents (no script runs), then moved into the page.
  const parser = new DOMParser();
  for (const text of texts) {
    document.body.append(...parser.parseFromString(text, 'text/html').body.childNodes);
  }
}
