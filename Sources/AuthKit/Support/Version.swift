/// The version `authctl --version` prints.
public let authctlVersion = "0.1.0"
