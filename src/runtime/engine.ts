// The container engine over one store root: what every container operation needs (the image store, the
// container records, layer drivers, runtimes). Library code only: the CLI (and later an API server) drive it.
import { join } from "node:path";
import { HoistError } from "../errors.ts";
import { ContainerStore, type ContainerRecord } from "../store/containers.ts";
import { loadDriver, type ContainerLayerDriver, type DriverName } from "../store/driver.ts";
import { Store } from "../store/store.ts";
import type { OciRuntime } from "./oci-runtime.ts";
import { runtimeByName } from "./runtimes.ts";

export class Engine {
  readonly store: Store;
  readonly containers: ContainerStore;
  private readonly drivers = new Map<DriverName, ContainerLayerDriver>();

  constructor(store: Store) {
    this.store = store;
    this.containers = new ContainerStore(store);
  }

  static open(root: string): Engine {
    return new Engine(new Store(root));
  }

  get root(): string {
    return this.store.paths.root;
  }

  async driver(name: DriverName): Promise<ContainerLayerDriver> {
    let d = this.drivers.get(name);
    if (!d) {
      d = await loadDriver(name, this.containers.paths);
      this.drivers.set(name, d);
    }
    return d;
  }

  runtime(c: ContainerRecord): OciRuntime {
    return runtimeByName(this.root, c.HostConfig.Runtime);
  }

  dir(id: string): string {
    return join(this.containers.paths.containers, id);
  }

  /** The image's extracted layer directories, bottom first. */
  lowers(c: ContainerRecord): string[] {
    const img = this.store.state().images[c.Image.slice(7)] ?? this.freshImages().images[c.Image.slice(7)];
    if (!img) throw new HoistError("CORRUPT", `container ${c.Id.slice(0, 12)}: its image ${c.Image} is missing`);
    return img.layers.map((d) => this.store.layerDiffDir(d));
  }

  private freshImages(): ReturnType<Store["state"]> {
    return new Store(this.root).state();
  }

  volumeDir(name: string): string {
    return join(this.containers.paths.volumes, name, "_data");
  }
}
