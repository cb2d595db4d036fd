package io.vecstore.core.namespace;

/**
 * Told when a namespace's index opens or closes: how the registry keeps the number of open
 * namespaces within its bound. Called on the opening or closing thread; must not block.
 */
interface OpenListener {
  void opened();

  void closed();

  OpenListener NONE = new OpenListener() {
    @Override
    public void opened() {}

    @Override
    public void closed() {}
  };
}
