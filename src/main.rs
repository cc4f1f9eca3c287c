use hwprovider::provider::{HuaweiCloud, ADDRESS, NAME};

fn main() {
    std::process::exit(hwprovider::tfplugin::launch::main(
        HuaweiCloud::new,
        NAME,
        ADDRESS,
    ));
}
