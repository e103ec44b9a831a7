import { type Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, type FunctionProps } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * What a function may do with a table. Each level maps to the fewest DynamoDB actions that serve it,
 * so a binding grants exactly what its access patterns need. Every access pattern is a key lookup
 * or a query, but one: the jobs and staff routes that enumerate a wave's invitations (the close,
 * reminders, the links export, demo removal) scan the ephemeral table, which keeps no index of
 * them (an entry per invitation doubled the open's writes). The main table is never scanned.
 */
export type TableAccess = 'read' | 'write' | 'delete' | 'scan';

const TABLE_ACTIONS: Record<TableAccess, readonly string[]> = {
  read: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
  write: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
  delete: ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  scan: ['dynamodb:Scan'],
};

/** A table and the names of its indexes, so grants can name each index instead of `index/*`. */
export interface TableRef {
  readonly table: ITableV2;
  readonly indexNames: readonly string[];
}

export interface BaselineFunctionProps {
  /** Path of the entry file, relative to the repository root (it exports `handler`). */
  readonly entry: string;
  readonly description: string;
  readonly timeout: Duration;
  readonly memorySize?: number;
  readonly functionName?: string;
  readonly environment?: Record<string, string>;
  readonly logRetention?: RetentionDays;
  readonly reservedConcurrentExecutions?: FunctionProps['reservedConcurrentExecutions'];
  /** Files (repository-relative) the bundle reads at run time beside itself, e.g. a WebAssembly binary esbuild cannot inline. */
  readonly filesBesideBundle?: readonly string[];
}

/**
 * NodejsFunction with the house defaults: Node.js 22 on arm64, a minified ESM bundle built by the
 * local esbuild (no Docker), the AWS SDK left to the runtime so the bundles stay small, Powertools
 * logging settings, a log group of its own with a bounded retention, and a role that may write to
 * that log group and nothing else until something is bound or granted.
 */
export class BaselineFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: BaselineFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (Lambda)`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      role,
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      functionName: props.functionName,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      logGroup,
      depsLockFilePath: 'package-lock.json',
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'baseline',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // esbuild's ESM output cannot `require` Node built-ins that CommonJS dependencies still ask for.
        banner: "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
        externalModules: ['@aws-sdk/*'],
        ...(props.filesBesideBundle?.length
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => props.filesBesideBundle!.map((file) => `cp "${inputDir}/${file}" "${outputDir}/"`),
              },
            }
          : {}),
      },
    });
  }

  /**
   * Give the function a table: its name in `envName`, and the DynamoDB actions of the listed access
   * levels on the table and its indexes, nothing more.
   */
  bindTable({ table, indexNames }: TableRef, envName: string, access: readonly TableAccess[]): this {
    this.addEnvironment(envName, table.tableName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: [...new Set(access.flatMap((level) => TABLE_ACTIONS[level]))],
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
    return this;
  }

  /** Let the function invoke another function (its ARN only, no versions or aliases). */
  allowInvoke(functionArn: string): this {
    this.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [functionArn] }));
    return this;
  }
}
