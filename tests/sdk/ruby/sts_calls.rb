# The AWS SDK for Ruby v3 (aws-sdk-core's STS client) against a pytest-stsmock server.
# Usage: ruby sts_calls.rb <endpoint_url> <role_arn>; credentials from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY.  Prints one JSON object: the outcome of each call, by name.
require "json"
require "aws-sdk-core"

endpoint, role_arn = ARGV
region = "us-east-1"
credentials = Aws::Credentials.new(ENV.fetch("AWS_ACCESS_KEY_ID"), ENV.fetch("AWS_SECRET_ACCESS_KEY"))

def client(endpoint, region, credentials)
  Aws::STS::Client.new(region: region, endpoint: endpoint, credentials: credentials,
                       retry_limit: 0)
end

def outcome
  { ok: true }.merge(yield)
rescue Aws::Errors::ServiceError => e
  { ok: false, name: e.code, message: e.message, status: e.context.http_response.status_code }
end

sts = client(endpoint, region, credentials)
results = {}
results[:identity] = outcome do
  answer = sts.get_caller_identity
  { arn: answer.arn, account: answer.account, userId: answer.user_id }
end
results[:assumeRole] = outcome do
  answer = sts.assume_role(role_arn: role_arn, role_session_name: "ruby-sdk",
                           tags: [{ key: "team", value: "blue" }], transitive_tag_keys: ["team"])
  { accessKeyId: answer.credentials.access_key_id, arn: answer.assumed_role_user.arn,
    expiration: answer.credentials.expiration.utc.iso8601, packedPolicySize: answer.packed_policy_size }
end
results[:sessionToken] = outcome do
  answer = sts.get_session_token(duration_seconds: 900)
  { accessKeyId: answer.credentials.access_key_id }
end
results[:federationToken] = outcome do
  answer = sts.get_federation_token(name: "ruby-fed")
  { arn: answer.federated_user.arn, accessKeyId: answer.credentials.access_key_id }
end
results[:assumeRoleCredentials] = outcome do
  provider = Aws::AssumeRoleCredentials.new(client: sts, role_arn: role_arn,
                                            role_session_name: "ruby-provider")
  answer = client(endpoint, region, provider).get_caller_identity
  { arn: answer.arn, accessKeyId: provider.credentials.access_key_id }
end
results[:validationError] = outcome do
  sts.assume_role(role_arn: role_arn, role_session_name: "bad name!")
  {}
end
results[:wrongSecret] = outcome do
  wrong = Aws::Credentials.new(credentials.access_key_id, "wrong" + credentials.secret_access_key)
  client(endpoint, region, wrong).get_caller_identity
  {}
end
puts JSON.generate(results)
