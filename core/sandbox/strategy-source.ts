import ts from 'typescript';
import { StrategyError } from './strategy-error';

export interface StrategySource {
  /** The JavaScript that runs in the isolate: the user's code itself, or its TypeScript transpiled. */
  script: string;
  /** Name of the one top-level class that extends Strategy. */
  className: string;
  typescript: boolean;
}

function position(file: ts.SourceFile, offset: number): { line: number; column: number } {
  const { line, character } = file.getLineAndCharacterOfPosition(offset);
  return { line: line + 1, column: character + 1 };
}

/** The top-level classes declared as `class X extends Strategy`, parsed without running anything. */
function strategyClasses(file: ts.SourceFile): ts.ClassDeclaration[] {
  return file.statements.filter(
    (statement): statement is ts.ClassDeclaration =>
      ts.isClassDeclaration(statement) &&
      (statement.heritageClauses ?? []).some(
        (clause) =>
          clause.token === ts.SyntaxKind.ExtendsKeyword &&
          clause.types.some((type) => type.expression.getText(file) === 'Strategy'),
      ),
  );
}

/**
 * Reads a strategy's source: exactly one top-level class extending Strategy. JavaScript runs as written so that
 * error lines are the editor's; code that only parses as TypeScript is transpiled (types erased, same lines for
 * the statements TypeScript keeps in place).
 */
export function readStrategySource(code: string, isValidJavaScript: (code: string) => boolean): StrategySource {
  const file = ts.createSourceFile('strategy.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const syntax = (file as unknown as { parseDiagnostics: ts.DiagnosticWithLocation[] }).parseDiagnostics;
  if (syntax.length > 0) {
    const first = syntax[0];
    const where = position(file, first.start);
    throw new StrategyError(
      `Erreur de syntaxe : ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}`,
      where.line,
      where.column,
    );
  }
  const classes = strategyClasses(file);
  if (classes.length !== 1 || !classes[0].name) {
    const where = classes[1] ? position(file, classes[1].getStart(file)) : { line: undefined, column: undefined };
    throw new StrategyError(
      `Le code doit déclarer exactement une classe qui étend Strategy (trouvé : ${classes.length}).`,
      where.line,
      where.column,
    );
  }
  const className = classes[0].name.text;
  if (isValidJavaScript(code)) return { script: code, className, typescript: false };
  const output = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.None, removeComments: false },
    reportDiagnostics: false,
  });
  return { script: output.outputText, className, typescript: true };
}
