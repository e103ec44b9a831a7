import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { BaselineStack } from './baseline-stack.ts';

const PACK = 'AwsSolutions';

function acknowledge(scope: IConstruct, rules: Record<string, string>): void {
  for (const [rule, reason] of Object.entries(rules)) Validations.of(scope).acknowledge({ id: `${PACK}-${rule}`, reason });
}

const NODE_22 = 'Node.js 22 is the runtime the project builds and tests for (issue 5); it moves to the next LTS together with CI.';
const UPLOAD_OBJECTS = 'Objects of the uploads bucket are created at run time under random keys; the bucket holds nothing else and objects expire after a day.';

/**
 * cdk-nag findings accepted on purpose, each on the narrowest construct and with its reason.
 * Everything else the AwsSolutions pack reports fails synth and the infra tests.
 */
export function acknowledgeFindings(stack: BaselineStack): void {
  const { api, data, jobs, web } = stack;

  for (const route of api.publicRoutes) {
    acknowledge(route, {
      APIG4:
        'Health and the sign-in configuration are public by design: the dashboard needs the configuration before anyone has signed in, and neither reveals survey data.',
    });
  }
  for (const fn of [api.respond, api.staff, jobs.function]) acknowledge(fn, { L1: NODE_22 });
  acknowledge(api.staff.role!, {
    [`IAM5[Resource::<${stack.getLogicalId(data.uploads.node.defaultChild as never)}.Arn>/*]`]: UPLOAD_OBJECTS,
  });
  acknowledge(jobs.function.role!, {
    [`IAM5[Resource::<${stack.getLogicalId(data.uploads.node.defaultChild as never)}.Arn>/*]`]: UPLOAD_OBJECTS,
    'IAM5[Resource::*]': 'ses:GetAccount (the sending rate the mailer paces to) has no resource to scope to.',
  });
  acknowledge(jobs.schedulerRole, {
    [`IAM5[Resource::<${stack.getLogicalId(jobs.function.node.defaultChild as never)}.Arn>:*]`]:
      'The scheduler target grants invoke on the job function and its versions; the function publishes no versions or aliases.',
  });
  acknowledge(jobs.deadLetters, { SQS3: 'This queue is itself the dead-letter destination of the job function.' });
  acknowledge(data.uploads, {
    S1: 'Server access logs would record who downloaded which export; the objects live a day and CloudTrail data events can be enabled by the operator if wanted.',
  });
  acknowledge(web.bucket, {
    S1: 'Only CloudFront (origin access control) and the deployment read or write this bucket; its content is the public web app.',
  });
  acknowledge(web.distribution, {
    CFR1: 'Employees answer from wherever they work; no country is excluded.',
    CFR2: 'The API throttles its public routes itself and reserved concurrency can cap the respondent URL; a web ACL for CloudFront costs more than a survey wave and can be attached by the operator.',
    CFR3: "Access logs would record every respondent's IP address and time next to the /r page, which the design forbids (no IP, no time for a response).",
  });
  if (!stack.web.hasCustomDomain) {
    acknowledge(web.distribution, {
      CFR4: 'The default *.cloudfront.net certificate has a fixed security policy; set domainName and certificateArn to enforce TLS 1.2.',
    });
  }
  acknowledgeBucketDeployment(stack);
}

/** The deployment function CDK provides for uploading the site: it runs only while deploying. */
function acknowledgeBucketDeployment(stack: BaselineStack): void {
  const provider = stack.node.children.find((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!provider) return;
  const siteBucket = stack.getLogicalId(stack.web.bucket.node.defaultChild as never);
  const reason = "CDK's own BucketDeployment function, run only during deployment to copy the built site into the site bucket.";
  acknowledge(provider, {
    L1: reason,
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': reason,
    'IAM5[Action::s3:GetBucket*]': reason,
    'IAM5[Action::s3:GetObject*]': reason,
    'IAM5[Action::s3:List*]': reason,
    'IAM5[Action::s3:Abort*]': reason,
    'IAM5[Action::s3:DeleteObject*]': reason,
    'IAM5[Resource::*]': reason,
    [`IAM5[Resource::<${siteBucket}.Arn>/*]`]: reason,
    'IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]': reason,
  });
}
