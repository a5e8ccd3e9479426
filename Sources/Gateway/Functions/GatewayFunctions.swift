/// Every function the gateway serves, built once per worker.
public enum GatewayFunctions {
    public static func all(services: Services) -> [GatewayFunction] {
        [DeviceEnrollmentFunction(), TailscaleAPIFunction()]
    }
}
