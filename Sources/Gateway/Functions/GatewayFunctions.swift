/// Every function the gateway serves; the router is built with them once per worker.
public enum GatewayFunctions {
    public static var all: [GatewayFunction] { [DeviceEnrollmentFunction(), TailscaleAPIFunction()] }
}
