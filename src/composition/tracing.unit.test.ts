import { exportSettingsOf } from './tracing';

describe('tracing settings from OTEL_* variables', () => {
  it('is off without an endpoint', () => {
    expect(exportSettingsOf({ OTEL_SERVICE_NAME: 'x' })).toBeUndefined();
  });

  it('appends /v1/traces to the general endpoint, takes the traces endpoint as given', () => {
    expect(exportSettingsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toEqual({
      url: 'http://c:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: 'headspace-inference',
    });
    expect(
      exportSettingsOf({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t:1/custom',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'gw',
      }),
    ).toEqual({ url: 'http://t:1/custom', protocol: 'http/json', serviceName: 'gw' });
  });
});
