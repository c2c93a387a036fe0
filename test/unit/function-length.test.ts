import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * Issue 14: no function in lib/ runs over 60 lines, so each one can be read on one screen.
 * Every function declaration, method, accessor, constructor, function expression and arrow
 * function in lib/**\/*.ts is measured with the TypeScript compiler, from the line of its
 * first token to the line of its last, comments and blank lines included. The page's script
 * (lib/web/client/*.ts) is measured like the rest.
 */
const MAX_LINES = 60;
const LIB = path.resolve(__dirname, '../../lib');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

interface Measured {
  where: string;
  lines: number;
}

function nameOf(node: ts.Node, source: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name !== undefined) return named.name.getText(source);
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) return parent.name.getText(source);
  return '(anonymous)';
}

/** Every function-like node of one source text, with its length in lines. */
function measureFunctions(fileName: string, text: string): Measured[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const found: Measured[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ where: `${fileName}:${first + 1} ${nameOf(node, source)}`, lines: last - first + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('function length in lib/', () => {
  it('measures arrows, methods and nested functions, counting from first to last line', () => {
    // Prepare: a 3-line function holding a 1-line arrow, and a 2-line object method.
    const text = 'function outer() {\n  const f = () => 1;\n}\nconst o = { m() {\n} };\n';

    // Act
    const measured = measureFunctions('sample.ts', text);

    // Assess
    expect(measured).toEqual([
      { where: 'sample.ts:1 outer', lines: 3 },
      { where: 'sample.ts:2 f', lines: 1 },
      { where: 'sample.ts:4 m', lines: 2 },
    ]);
  });

  it(`finds no function over ${MAX_LINES} lines`, () => {
    // Prepare
    const files = tsFiles(LIB);

    // Act
    const tooLong = files.flatMap((file) =>
      measureFunctions(path.relative(LIB, file), readFileSync(file, 'utf8')).filter(
        (measured) => measured.lines > MAX_LINES,
      ),
    );

    // Assess
    expect(files.length).toBeGreaterThan(50);
    expect(tooLong).toEqual([]);
  });
});
