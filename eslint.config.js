// ESLint: typescript-eslint's recommended rules over the TypeScript and JavaScript of the project (the server,
// tests, bench, scripts, examples and the pages' scripts), run by `npm run lint` and in CI (.ci/run). Formatting
// is Prettier's (.prettierrc.json; `npm run format:check`), so no style rules here.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  {
    ignores: [
      "dist/",
      "**/node_modules/",
      "src/generated/",
      "coverage/",
      "test-artifacts/",
      "examples/**/.next/",
      "public/vendor/",
      "bench/results/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // a leading underscore marks a value left out on purpose (a destructured field dropped, a callback's unused argument)
      // a variable wired before its first assignment (the login engine wires its steps back to front) stays `let`
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          caughtErrors: "none",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  // TypeScript itself checks names (typescript-eslint's advice: no-undef off for .ts)
  { files: ["**/*.ts", "**/*.mts", "**/*.tsx"], rules: { "no-undef": "off" } },
  { files: ["**/*.js", "**/*.mjs", "**/*.cjs"], ignores: ["public/js/**"], languageOptions: { globals: globals.node } },
  { files: ["**/*.cjs"], languageOptions: { sourceType: "commonjs" }, rules: { "@typescript-eslint/no-require-imports": "off" } },
  { files: ["public/js/**/*.js"], languageOptions: { globals: globals.browser, sourceType: "script" } },
);
