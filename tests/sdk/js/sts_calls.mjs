// The AWS SDK for JavaScript v3 against a pytest-stsmock server.
// Usage: node sts_calls.mjs <endpoint_url> <role_arn>; credentials from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY.  Prints one JSON object: the outcome of each call, by name.
import {
  STSClient,
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
} from "@aws-sdk/client-sts";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";

const [endpoint, roleArn] = process.argv.slice(2);
const region = "us-east-1";
const credentials = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID,
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
};
const client = (creds) =>
  new STSClient({ region, endpoint, credentials: creds, maxAttempts: 1 });

async function outcome(run) {
  try {
    return { ok: true, ...(await run()) };
  } catch (error) {
    return {
      ok: false,
      name: error.name,
      message: error.message,
      status: error.$metadata?.httpStatusCode,
      fault: error.$fault,
    };
  }
}

const sts = client(credentials);
const results = {};
results.identity = await outcome(async () => {
  const answer = await sts.send(new GetCallerIdentityCommand({}));
  return { arn: answer.Arn, account: answer.Account, userId: answer.UserId };
});
results.assumeRole = await outcome(async () => {
  const answer = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn,
      RoleSessionName: "js-sdk",
      Tags: [{ Key: "team", Value: "blue" }],
      TransitiveTagKeys: ["team"],
    }),
  );
  return {
    accessKeyId: answer.Credentials.AccessKeyId,
    arn: answer.AssumedRoleUser.Arn,
    expiration: answer.Credentials.Expiration.toISOString(),
    packedPolicySize: answer.PackedPolicySize,
  };
});
results.sessionToken = await outcome(async () => {
  const answer = await sts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  return { accessKeyId: answer.Credentials.AccessKeyId };
});
results.federationToken = await outcome(async () => {
  const answer = await sts.send(new GetFederationTokenCommand({ Name: "js-fed" }));
  return { arn: answer.FederatedUser.Arn, accessKeyId: answer.Credentials.AccessKeyId };
});
results.fromTemporaryCredentials = await outcome(async () => {
  const provider = fromTemporaryCredentials({
    masterCredentials: credentials,
    params: { RoleArn: roleArn, RoleSessionName: "js-provider" },
    clientConfig: { region, endpoint },
  });
  const answer = await client(provider).send(new GetCallerIdentityCommand({}));
  return { arn: answer.Arn };
});
results.customPath = await outcome(async () => {
  const pathed = new STSClient({ region, endpoint: `${endpoint}/sts/`, credentials, maxAttempts: 1 });
  const answer = await pathed.send(new GetCallerIdentityCommand({}));
  return { arn: answer.Arn };
});
results.validationError = await outcome(async () => {
  await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "bad name!" }));
  return {};
});
results.wrongSecret = await outcome(async () => {
  await client({ ...credentials, secretAccessKey: "wrong" + credentials.secretAccessKey })
    .send(new GetCallerIdentityCommand({}));
  return {};
});
console.log(JSON.stringify(results));
