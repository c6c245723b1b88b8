// @ts-check
// The UI's lint config: the repository's rules, plus the browser and Node globals the plain-JS harness scripts use
// (listed here rather than imported, so that linting from the root works without ui/node_modules).
import rootConfig from "../eslint.config.js";

const g = (names) => Object.fromEntries(names.map((n) => [n, "readonly"]));

export default [
  ...rootConfig,
  { ignores: ["dist/", "node_modules/"] },
  {
    files: ["**/*.mjs", "**/*.js"],
    languageOptions: {
      globals: g(["console", "process", "URL", "fetch", "window", "setTimeout", "clearTimeout", "document"]),
    },
  },
];
