/*
 * ecs-local in a process of its own, for a benchmark whose client must not share the endpoint's CPU (no
 * real endpoint does). Started with fork(): the first message is the emulator's options; the answer is
 * the endpoint's address and keys. Then "actions" answers with the actions of the requests served since
 * the last "actions", and "close" stops the endpoint and the process.
 */
import { type EmulatorOptions, startEcsEmulator } from "../emulator";

export interface Endpoint {
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
}

process.once("message", (options: EmulatorOptions) => {
  void startEcsEmulator(options).then((emulator) => {
    let seen = 0;
    process.on("message", (message) => {
      if (message === "actions") {
        const actions = emulator.requests.slice(seen).map(({ action }) => action);
        seen = emulator.requests.length;
        process.send!(actions);
      } else if (message === "close") {
        void emulator.close().then(() => process.exit(0));
      }
    });
    const endpoint: Endpoint = {
      url: emulator.url,
      accessKeyId: emulator.accessKeyId,
      accessKeySecret: emulator.accessKeySecret,
    };
    process.send!(endpoint);
  });
});
