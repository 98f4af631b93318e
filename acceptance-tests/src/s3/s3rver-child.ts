// Runs s3rver in its own process. It is started with --openssl-legacy-provider because s3rver
// encrypts its listing continuation tokens with DES, which Node 20's default OpenSSL refuses; keeping
// the legacy provider in this child keeps it out of the connectors and the tests.
import S3rver from 's3rver';

const [directory, port] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  allowMismatchedSignatures: true,
} as never);
const { port: bound } = (await server.run()) as unknown as { port: number };
process.stdout.write(`ready ${bound}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
