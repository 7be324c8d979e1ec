// Markup for innerHTML, made only through the html`...` tag: every value put into a template is escaped
// (text and quoted attributes alike) unless it is itself the result of html`...`; a list is the markup of
// its items. A record's value can so never become markup, wherever a template shows it.
class Markup {
  constructor(text) {
    this.text = text;
  }

  toString() {
    return this.text;
  }
}

export function html(strings, ...values) {
  let text = strings[0];
  values.forEach((value, i) => { text += markup(value) + strings[i + 1]; });
  return new Markup(text);
}

function markup(value) {
  if (value instanceof Markup) return value.text;
  if (Array.isArray(value)) return value.map(markup).join('');
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}
