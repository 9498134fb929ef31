/**
 * Environment placeholders, as caddyfile/parse.go replaceEnvVars expands them in keys, directive
 * names, arguments and import patterns: first `{%NAME%}`, then `{$NAME}`; an unset variable
 * becomes the empty string; every occurrence of the same placeholder is replaced at once, and the
 * scan restarts from the beginning (so a value may itself hold a placeholder); `{$}` stops it.
 */

// Caddy would loop forever on NAME={$NAME}; we stop after this many replacements.
const MAX_REPLACEMENTS = 1000;

export function replaceEnvVars(s: string, env: Readonly<Record<string, string>>): string {
  return replaceEnvReferences(replaceEnvReferences(s, '{%', '%}', env), '{$', '}', env);
}

function replaceEnvReferences(
  input: string,
  start: string,
  end: string,
  env: Readonly<Record<string, string>>,
): string {
  let s = input;
  for (let n = 0; n < MAX_REPLACEMENTS; n++) {
    const index = s.indexOf(start);
    if (index < 0) return s;
    const endIndex = s.indexOf(end, index);
    if (endIndex < 0 || endIndex <= index + start.length) return s;
    const ref = s.slice(index, endIndex + end.length);
    s = s.split(ref).join(env[ref.slice(start.length, ref.length - end.length)] ?? '');
  }
  return s;
}
