// Writes protocol.d.ts, the TypeScript declarations of every protocol message and result, from the
// published JSON Schema (protocol/src/main/resources/schema/haven-protocol.schema.json).
//
//   node scripts/protocol-types.mjs           writes protocol.d.ts
//   node scripts/protocol-types.mjs --check   exits 1 when the committed protocol.d.ts differs
//
// Names: a client message is <Type>Request (room.join → RoomJoinRequest), a server message
// <Type>Event (chat.message → ChatMessageEvent), `ok` and `error` are OkReply and ErrorReply, a
// result is <Kind>Result (result.room.snapshot → RoomSnapshotResult); the schema's named shapes
// (Member, AlertView, ...) keep their names. The schema uses a small part of JSON Schema; a keyword
// outside it stops the generator, so a schema that grows never yields declarations that quietly
// say less than it does.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PACKAGE = path.resolve(HERE, '..');
const SCHEMA_FILE = 'protocol/src/main/resources/schema/haven-protocol.schema.json';
const SCHEMA = path.resolve(PACKAGE, '..', SCHEMA_FILE);
const OUTPUT = path.join(PACKAGE, 'protocol.d.ts');

/** Keywords the generator understands; the ones after `type` only add to the comments. */
const KNOWN = new Set(['$ref', 'const', 'enum', 'oneOf', 'type', 'properties', 'required', 'additionalProperties',
  'items', 'description', 'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum', 'minItems', 'maxItems',
  'maxProperties']);

export function generate(schema) {
  const defs = schema.$defs;
  const union = (name) => defs[name].oneOf.map((n) => n.$ref.replace('#/$defs/', ''));
  const clientMessages = union('ClientMessage');
  const serverMessages = union('ServerMessage');
  const results = union('Result');
  const names = new Map();
  for (const def of Object.keys(defs)) {
    names.set(def, typeName(def, clientMessages, serverMessages));
  }
  const taken = new Map();
  for (const [def, name] of names) {
    if (taken.has(name)) throw new Error(`$defs ${def} and ${taken.get(name)} would both be named ${name}`);
    taken.set(name, def);
  }

  const ref = (r) => {
    const def = r.replace('#/$defs/', '');
    if (!names.has(def)) throw new Error(`unresolved $ref ${r}`);
    return names.get(def);
  };

  const render = (node, where, indent) => {
    for (const key of Object.keys(node)) {
      if (!KNOWN.has(key)) throw new Error(`${where}: the generator does not know the keyword "${key}"`);
    }
    if (node.$ref) return ref(node.$ref);
    if ('const' in node) return JSON.stringify(node.const);
    if (node.enum) return node.enum.map((v) => JSON.stringify(v)).join(' | ');
    if (node.oneOf) return node.oneOf.map((n, i) => render(n, `${where}/oneOf/${i}`, indent)).join(' | ');
    switch (node.type) {
      case 'string':
        return 'string';
      case 'integer':
      case 'number':
        return 'number';
      case 'boolean':
        return 'boolean';
      case 'array': {
        if (!node.items) throw new Error(`${where}: an array without items`);
        const item = render(node.items, `${where}/items`, indent);
        return /[ |]/.test(item) && !item.startsWith('{') ? `Array<${item}>` : `${item}[]`;
      }
      case 'object':
        return `{\n${members(node, where, indent + '  ')}${indent}}`;
      default:
        throw new Error(`${where}: the generator does not know the type ${JSON.stringify(node.type)}`);
    }
  };

  const members = (node, where, indent) => {
    const required = new Set(node.required || []);
    const properties = node.properties || {};
    for (const r of required) {
      if (!(r in properties)) throw new Error(`${where}: required "${r}" is not among its properties`);
    }
    let out = '';
    for (const [name, property] of Object.entries(properties)) {
      out += comment(property, indent);
      const key = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
      out += `${indent}${key}${required.has(name) ? '' : '?'}: ${render(property, `${where}/${name}`, indent)};\n`;
    }
    const extra = node.additionalProperties;
    if (extra && typeof extra === 'object') {
      if (Object.keys(properties).length > 0) throw new Error(`${where}: properties beside additionalProperties`);
      out += `${indent}[key: string]: ${render(extra, `${where}/additionalProperties`, indent)};\n`;
    } else if (extra !== false) {
      throw new Error(`${where}: an object must say additionalProperties (false or a schema)`);
    }
    return out;
  };

  let out = `// Generated from ${SCHEMA_FILE}
// by scripts/protocol-types.mjs: do not edit. \`npm run types\` writes it again; the package's test
// fails while it differs from what the schema gives. ${schema.title}: ${schema.$id}
//
// Naming: a client message is <Type>Request, a server message <Type>Event (\`ok\` and \`error\` are
// OkReply and ErrorReply), a result <Kind>Result; the schema's named shapes keep their names.
// The server never sends null: what it has not, it leaves out (the optional members below).
`;
  for (const [def, node] of Object.entries(defs)) {
    const name = names.get(def);
    out += '\n' + comment(node, '', `\`#/$defs/${def}\``);
    const isInterface = node.type === 'object' && !node.oneOf && node.additionalProperties === false;
    if (isInterface) {
      out += `export interface ${name} {\n${members(node, `#/$defs/${def}`, '  ')}}\n`;
    } else {
      const type = render(node, `#/$defs/${def}`, '');
      const long = type.length + name.length > 85 && (node.enum || node.oneOf);
      out += long
        ? `export type ${name} =\n${type.split(' | ').map((t) => `  | ${t}`).join('\n')};\n`
        : `export type ${name} = ${type};\n`;
    }
  }

  const index = (title, list, field) => {
    let s = `\n/** ${title} */\nexport interface ${indexName(field, list === clientMessages)} {\n`;
    for (const def of list) {
      const value = defs[def].properties?.[field]?.const;
      if (typeof value !== 'string') throw new Error(`#/$defs/${def}: no constant "${field}"`);
      s += `  ${JSON.stringify(value)}: ${names.get(def)};\n`;
    }
    return s + '}\n';
  };
  out += index('Every message a client sends, by `type`.', clientMessages, 'type');
  out += index('Every message the server sends, by `type`.', serverMessages, 'type');
  out += index('Every result of an `ok` reply, by `kind`.', results, 'kind');
  out += `
/** The \`type\` of a client message. */
export type ClientMessageType = keyof ClientMessages;
/** The \`type\` of a server message. */
export type ServerMessageType = keyof ServerMessages;
/** The \`kind\` of a result. */
export type ResultKind = keyof Results;
`;
  return out;
}

function indexName(field, client) {
  if (field === 'kind') return 'Results';
  return client ? 'ClientMessages' : 'ServerMessages';
}

function typeName(def, clientMessages, serverMessages) {
  const pascal = (s) => s.split(/[._]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
  if (def === 'ok') return 'OkReply';
  if (def === 'error') return 'ErrorReply';
  if (clientMessages.includes(def)) return `${pascal(def)}Request`;
  if (serverMessages.includes(def)) return `${pascal(def)}Event`;
  if (def.startsWith('result.')) return `${pascal(def.slice('result.'.length))}Result`;
  if (/^[A-Z][A-Za-z0-9]*$/.test(def)) return def;
  throw new Error(`#/$defs/${def}: neither a message, a result nor a named shape; give it a name in the generator`);
}

/** A JSDoc comment of the schema's description and the constraints a type cannot say. */
function comment(node, indent, source) {
  const lines = [];
  if (node.description) lines.push(...node.description.split('\n'));
  const facts = constraints(node);
  if (source) facts.unshift(source);
  if (facts.length > 0) lines.push(`Schema: ${facts.join('; ')}.`);
  if (lines.length === 0) return '';
  const safe = lines.map((l) => l.replaceAll('*/', '*\\/'));
  if (safe.length === 1 && safe[0].length + indent.length < 100) return `${indent}/** ${safe[0]} */\n`;
  return `${indent}/**\n${safe.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

function constraints(node) {
  const facts = [];
  if (node.type === 'integer') facts.push('an integer');
  const range = (min, max, unit) => {
    if (min === 1 && max == null) facts.push('not empty');
    else if (min != null && max != null) facts.push(`${min} to ${max} ${unit}`);
    else if (min != null) facts.push(`at least ${min} ${unit}`);
    else if (max != null) facts.push(`at most ${max} ${unit}`);
  };
  range(node.minLength, node.maxLength, 'characters');
  range(node.minItems, node.maxItems, 'items');
  if (node.maxProperties != null) facts.push(`at most ${node.maxProperties} entries`);
  if (node.minimum != null) facts.push(`≥ ${node.minimum}`);
  if (node.maximum != null) facts.push(`≤ ${node.maximum}`);
  if (node.pattern) facts.push(`matches \`${node.pattern}\``);
  if (node.format === 'date-time') facts.push('an ISO 8601 timestamp (UTC)');
  else if (node.format) facts.push(`format ${node.format}`);
  return facts;
}

/** What the schema gives now, beside the committed protocol.d.ts: null when they are the same. */
export function difference() {
  const generated = generate(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  const committed = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
  if (committed === generated) return null;
  const a = committed.split('\n');
  const b = generated.split('\n');
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  return `protocol.d.ts differs from what ${SCHEMA_FILE} gives, from line ${line + 1}:\n`
    + `  committed: ${a[line] ?? '(end of file)'}\n`
    + `  generated: ${b[line] ?? '(end of file)'}\n`
    + 'Run `npm run types` in js-client/ (node scripts/protocol-types.mjs) and commit protocol.d.ts.';
}

function main() {
  if (process.argv.includes('--check')) {
    const problem = difference();
    if (problem) {
      console.error(problem);
      process.exitCode = 1;
    } else {
      console.log('protocol.d.ts matches the schema');
    }
    return;
  }
  fs.writeFileSync(OUTPUT, generate(JSON.parse(fs.readFileSync(SCHEMA, 'utf8'))));
  console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
