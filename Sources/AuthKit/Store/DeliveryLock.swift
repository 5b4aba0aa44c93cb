/// A hook delivery run's hold on the store (`Store.lockHookDelivery`): released when this is
/// deinitialised, and by the kernel when the process ends, killed or not.
public final class DeliveryLock {
  private let release: () -> Void

  public init(release: @escaping () -> Void = {}) { self.release = release }

  deinit { release() }
}
