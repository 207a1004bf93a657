// One App factory for `cdk deploy`, the published template and the tests, so all three synthesize alike:
// no CDK version resource, no construct paths in metadata, no stack traces (nothing machine-specific).
import { App, type AppProps } from 'aws-cdk-lib';

export function createApp(props: AppProps = {}): App {
  return new App({
    analyticsReporting: false,
    stackTraces: false,
    ...props,
    context: { 'aws:cdk:enable-path-metadata': false, ...props.context },
  });
}
