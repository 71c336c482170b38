/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  // The providers require their implementation by package name at call time (so that the
  // serialized provider stays small); under jest that name maps to the TypeScript sources.
  moduleNameMapper: {
    "^alicloud-snapshot-policy/dist/(.*)$": "<rootDir>/$1",
    "^alicloud-snapshot-policy$": "<rootDir>/provider/index.ts",
  },
  testTimeout: 60000,
};
