/// The device-enrollment answers other than success, worded exactly as the portal expects
/// (it shows several of them to people, some in Spanish on purpose).
enum EnrollmentError {
    static let invalidAction = APIError.badRequest("Invalid action")

    static let invalidDeviceName = APIError.badRequest("Invalid device name: must be 1-100 characters")
    static let invalidDeviceType = APIError.badRequest(
        "Invalid device type: must be one of " + DeviceType.allCases.map(\.rawValue).joined(separator: ", "))
    static let invalidOS = APIError.badRequest("Invalid OS: must be 1-50 characters")
    static let invalidFingerprint = APIError.badRequest("Invalid fingerprint: must be alphanumeric with hyphens, max 100 characters")
    static let invalidAuthKey = APIError.badRequest("Invalid Tailscale auth key")

    static let userNotFound = APIError.notFound("User not found")
    static let userNotInOrganization = APIError.badRequest("User does not belong to this organization")
    static let noAuthKeyForOrganization = APIError.badRequest("No Tailscale auth key configured for this organization")

    static let fingerprintRequired = APIError.badRequest("Device fingerprint required")
    static let fingerprintTaken = APIError(status: 409, message: "Fingerprint already registered")

    static let tokenRequired = APIError.badRequest("Enrollment token required")
    static let invalidToken = APIError.badRequest("Token inválido o expirado. Contacta a tu administrador.")
    static let expiredToken = APIError.badRequest("Token de enrolamiento expirado. Solicita uno nuevo a tu administrador.")
    static let noAuthKeyForDevice = APIError.badRequest("No hay clave de Tailscale configurada. Contacta a tu administrador.")
}
