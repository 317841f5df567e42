// Type-checks TypeScript files with the real compiler against the drivers' own type definitions
// (pg, mysql2, mongodb, ioredis, node). Prints "file:line TSnnnn: message" per problem; exit 1 if any.
const ts = require("typescript");

const files = process.argv.slice(2);
const program = ts.createProgram(files, {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force, // every snippet is its own module
  esModuleInterop: true,
  skipLibCheck: true,
  types: ["node"],
});
let problems = 0;
for (const d of ts.getPreEmitDiagnostics(program)) {
  problems += 1;
  const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : "(config)";
  console.log(`${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}
console.log(`typescript ${ts.version}: ${files.length} files, ${problems} problems`);
process.exit(problems ? 1 : 0);
