import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/*
 * Drives a dynamic provider through Pulumi's own provider host (`@pulumi/pulumi/cmd/dynamic-provider`),
 * the gRPC server the engine starts for dynamic resources, with the messages the engine sends.
 * The provider travels as the engine sends it: serialized into the `__provider` property.
 */

const grpc = require("@grpc/grpc-js");
const providerRpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const providerProto = require("@pulumi/pulumi/proto/provider_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");

type Props = Record<string, unknown>;

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface HostDiff {
  changes: "none" | "some" | "unknown";
  replaces: string[];
}

export class ProviderHostError extends Error {
  constructor(
    readonly method: string,
    readonly details: string,
  ) {
    super(`${method} failed: ${details}`);
  }
}

export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return serialized.text;
}

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: {
      close(): void;
      [method: string]: unknown;
    },
    readonly serializedProvider: string,
    private readonly type: string,
  ) {}

  /** Starts the host with cwd = the project directory, as the engine does. */
  static async start(
    provider: pulumi.dynamic.ResourceProvider,
    type: string,
    projectDir = path.resolve(__dirname, "../.."),
  ): Promise<ProviderHost> {
    const serializedProvider = await serializeProvider(provider);
    const hostScript = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
    const child = spawn(process.execPath, [hostScript, "127.0.0.1:1"], {
      cwd: projectDir,
      env: { ...process.env, PULUMI_NODEJS_PROJECT: "engine-test" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        const newline = stdout.indexOf("\n");
        if (newline >= 0) resolve(stdout.slice(0, newline).trim());
      });
      child.once("exit", (code) => reject(new Error(`provider host exited with ${code}: ${stderr}`)));
    });
    const client = new providerRpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    return new ProviderHost(child, client, serializedProvider, type);
  }

  urn(name: string): string {
    return `urn:pulumi:test::engine-test::pulumi-nodejs:dynamic/alicloud-snapshot-policy:${this.type}::${name}`;
  }

  withProvider(props: Props): Props {
    return { ...props, __provider: this.serializedProvider };
  }

  async configure(config: Record<string, string>): Promise<void> {
    const request = new providerProto.ConfigureRequest();
    request.setArgs(Struct.fromJavaScript(config));
    await this.invoke("configure", request);
  }

  async check(name: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
    const request = new providerProto.CheckRequest();
    request.setUrn(this.urn(name));
    request.setOlds(Struct.fromJavaScript(olds));
    request.setNews(Struct.fromJavaScript(this.withProvider(news)));
    const response = await this.invoke("check", request);
    return {
      inputs: response.getInputs().toJavaScript(),
      failures: response.getFailuresList().map((f: { getProperty(): string; getReason(): string }) => ({
        property: f.getProperty(),
        reason: f.getReason(),
      })),
    };
  }

  async diff(name: string, id: string, oldOutputs: Props, newInputs: Props): Promise<HostDiff> {
    const request = new providerProto.DiffRequest();
    request.setId(id);
    request.setUrn(this.urn(name));
    request.setOlds(Struct.fromJavaScript(oldOutputs));
    request.setNews(Struct.fromJavaScript(newInputs));
    const response = await this.invoke("diff", request);
    const kinds = providerProto.DiffResponse.DiffChanges;
    const changes = response.getChanges();
    return {
      changes: changes === kinds.DIFF_NONE ? "none" : changes === kinds.DIFF_SOME ? "some" : "unknown",
      replaces: response.getReplacesList(),
    };
  }

  async create(name: string, inputs: Props): Promise<{ id: string; outputs: Props }> {
    const request = new providerProto.CreateRequest();
    request.setUrn(this.urn(name));
    request.setProperties(Struct.fromJavaScript(inputs));
    const response = await this.invoke("create", request);
    return { id: response.getId(), outputs: response.getProperties().toJavaScript() };
  }

  async read(name: string, id: string, outputs: Props): Promise<{ id: string; outputs: Props }> {
    const request = new providerProto.ReadRequest();
    request.setId(id);
    request.setUrn(this.urn(name));
    request.setProperties(Struct.fromJavaScript(outputs));
    const response = await this.invoke("read", request);
    return { id: response.getId(), outputs: response.getProperties()?.toJavaScript() ?? {} };
  }

  async update(name: string, id: string, oldOutputs: Props, newInputs: Props): Promise<Props> {
    const request = new providerProto.UpdateRequest();
    request.setId(id);
    request.setUrn(this.urn(name));
    request.setOlds(Struct.fromJavaScript(oldOutputs));
    request.setNews(Struct.fromJavaScript(newInputs));
    const response = await this.invoke("update", request);
    return response.getProperties().toJavaScript();
  }

  async delete(name: string, id: string, outputs: Props): Promise<void> {
    const request = new providerProto.DeleteRequest();
    request.setId(id);
    request.setUrn(this.urn(name));
    request.setProperties(Struct.fromJavaScript(outputs));
    await this.invoke("delete", request);
  }

  async close(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill();
      await exited;
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- generated protobuf classes have no typings here
  private invoke(method: string, request: unknown): Promise<any> {
    const call = this.client[method] as (
      request: unknown,
      callback: (error: { details?: string; message: string } | null, response: unknown) => void,
    ) => void;
    return new Promise((resolve, reject) =>
      call.call(this.client, request, (error, response) =>
        error ? reject(new ProviderHostError(method, error.details ?? error.message)) : resolve(response),
      ),
    );
  }
}
