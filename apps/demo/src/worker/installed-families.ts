// The family packages the worker builds and loads models of: importing a package registers its
// family (`findAutoencoderFamily`), so the worker builds its models from the registry and
// `modelFromBytes` rebuilds its saved ones. One import per family of installed-families.ts.
import '@aekit/ae';
import '@aekit/contractive';
import '@aekit/denoising';
import '@aekit/sparse';
import '@aekit/stacked';
import '@aekit/vae';
