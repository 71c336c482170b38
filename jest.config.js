/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  // The serialized providers require their implementation by package name at call time (so that
  // the text in state stays small); under jest those names map to the TypeScript sources.
  moduleNameMapper: {
    "^alicloud-snapshot-policy/runtime$": "<rootDir>/provider/runtime.ts",
    "^alicloud-snapshot-policy/dist/provider/(policy-provider|attachment-provider|config)$":
      "<rootDir>/provider/legacy/$1.ts",
    "^alicloud-snapshot-policy$": "<rootDir>/provider/index.ts",
  },
  testTimeout: 60000,
  // jest's default on 2 cores is one worker; the CLI suites spend much of their time waiting on the
  // Pulumi CLI's own processes and on ecs-local, so two workers finish test/engine in ~300 s, not ~460 s.
  maxWorkers: 2,
};
