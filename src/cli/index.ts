// `gatehouse` command line: checks the Node version, then runs one command.
import { nodeVersionProblem } from "../node-version.ts";

const problem = nodeVersionProblem();
if (problem) {
  console.error(problem);
  process.exit(1);
}

const { buildCli } = await import("./commands.ts");
const { CliError } = await import("./context.ts");
try {
  await buildCli().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CliError) {
    console.error(`gatehouse: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
