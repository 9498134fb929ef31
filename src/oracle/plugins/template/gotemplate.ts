/**
 * The part of Go's text/template that CoreDNS template answers use in practice, over the plugin's
 * templateData (plugin/template/template.go): `{{ .Name }}`, `{{ .Zone }}`, `{{ .Type }}`,
 * `{{ .Class }}`, `{{ .Regex }}`, `{{ .Remote }}`, `{{ .Group.name }}`, `{{ index .Match 1 }}`,
 * `{{ index .Group "1" }}`, `{{ .Question.Name }}`, with `{{-`/`-}}` trimming. Anything else is
 * reported as unsupported so the prediction can say so.
 */

export interface TemplateData {
  Zone: string;
  Name: string;
  Regex: string;
  Match: string[];
  Group: Record<string, string>;
  Class: string;
  Type: string;
  Remote: string;
  /** The question name as sent (`.Question.Name`). */
  QuestionName: string;
}

type Part = string | ((d: TemplateData) => string);

export type Compiled = { ok: true; render: (d: TemplateData) => string } | { ok: false; unsupported: string };

function action(expr: string): ((d: TemplateData) => string) | undefined {
  const fields: Record<string, (d: TemplateData) => string> = {
    '.Name': (d) => d.Name,
    '.Zone': (d) => d.Zone,
    '.Type': (d) => d.Type,
    '.Class': (d) => d.Class,
    '.Regex': (d) => d.Regex,
    '.Remote': (d) => d.Remote,
    '.Question.Name': (d) => d.QuestionName,
  };
  const field = fields[expr];
  if (field) return field;
  let m = /^\.Group\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
  if (m) {
    const key = m[1] as string;
    return (d) => d.Group[key] ?? '<no value>';
  }
  m = /^index\s+\.Match\s+(\d+)$/.exec(expr);
  if (m) {
    const i = Number(m[1]);
    return (d) => d.Match[i] ?? '';
  }
  m = /^index\s+\.Group\s+"([^"]*)"$/.exec(expr);
  if (m) {
    const key = m[1] as string;
    return (d) => d.Group[key] ?? '';
  }
  return undefined;
}

export function compileTemplate(text: string): Compiled {
  const parts: Part[] = [];
  const re = /\{\{(-?)\s*(.*?)\s*(-?)\}\}/g;
  let last = 0;
  let trimNext = false;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let literal = text.slice(last, m.index);
    if (trimNext) literal = literal.trimStart();
    if (m[1]) literal = literal.trimEnd();
    parts.push(literal);
    const f = action(m[2] as string);
    if (!f) return { ok: false, unsupported: `{{ ${m[2]} }}` };
    parts.push(f);
    trimNext = m[3] === '-';
    last = re.lastIndex;
  }
  let tail = text.slice(last);
  if (trimNext) tail = tail.trimStart();
  parts.push(tail);
  return { ok: true, render: (d) => parts.map((p) => (typeof p === 'string' ? p : p(d))).join('') };
}
