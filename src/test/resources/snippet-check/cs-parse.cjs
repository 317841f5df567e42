// Parses C# files with tree-sitter's C# grammar (WebAssembly build, no native compiler needed).
// Prints "file:line:column what" per syntax error; exit 1 if any.
const fs = require("node:fs");
const { Parser, Language } = require("web-tree-sitter");

(async () => {
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(require.resolve("tree-sitter-c-sharp/tree-sitter-c_sharp.wasm")));
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    const tree = parser.parse(fs.readFileSync(file, "utf8"));
    const visit = (node) => {
      if (node.isError || node.isMissing) {
        problems += 1;
        const what = node.isMissing ? `missing ${node.type}` : `unexpected ${JSON.stringify(node.text.slice(0, 40))}`;
        console.log(`${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1} ${what}`);
      } else if (node.hasError) {
        node.children.forEach(visit);
      }
    };
    visit(tree.rootNode);
  }
  console.log(`tree-sitter-c-sharp: ${process.argv.length - 2} files, ${problems} problems`);
  process.exit(problems ? 1 : 0);
})();
