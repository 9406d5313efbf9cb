import { registerNetworkKind } from '@aekit/layers';
import { layersModelNetworkKind } from './layers-model-network';

export type { LayersModelNetworkSpec, LayersModelTopology } from './layers-model-network';
export {
  layersModelNetwork,
  layersModelNetworkKind,
  layersModelNetworkType,
} from './layers-model-network';

// Importing the package is enough for `loadModel` to rebuild a model whose spec names it.
registerNetworkKind(layersModelNetworkKind);
