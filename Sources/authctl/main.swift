import AuthKit

print("authctl \(authctlVersion)")
