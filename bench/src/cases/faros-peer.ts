// The frame both faros-airbyte-cdk peers share, written as faros connectors are: a stream class that
// keeps its config, and a source class of one stream whose spec lists the config's properties, run
// by the CDK's own runner. Only the stream (what it requests and yields) differs between the peers.
import {
  AirbyteSourceBase,
  AirbyteSourceLogger,
  AirbyteSourceRunner,
  AirbyteSpec,
  AirbyteStreamBase,
  type AirbyteConfig,
  type AirbyteLogger,
} from 'faros-airbyte-cdk';

/** A stream that reads with the source's config. */
export abstract class PeerStream<C extends AirbyteConfig> extends AirbyteStreamBase {
  constructor(
    logger: AirbyteLogger,
    protected readonly config: C,
  ) {
    super(logger);
  }
}

/** Runs (parses argv, writes Airbyte messages) a source of `type` with the one stream `stream` makes. */
export function runPeerSource<C extends AirbyteConfig>(
  type: string,
  properties: Record<string, unknown>,
  stream: (logger: AirbyteLogger, config: C) => AirbyteStreamBase,
): void {
  class PeerSource extends AirbyteSourceBase<C> {
    get type(): string {
      return type;
    }
    async spec(): Promise<AirbyteSpec> {
      return new AirbyteSpec({ connectionSpecification: { type: 'object', properties } });
    }
    async checkConnection(): Promise<[boolean, undefined]> {
      return [true, undefined];
    }
    streams(config: C): AirbyteStreamBase[] {
      return [stream(this.logger, config)];
    }
  }
  const logger = new AirbyteSourceLogger();
  new AirbyteSourceRunner(logger, new PeerSource(logger)).mainCommand().parse();
}
