fn main() {
    std::process::exit(hwprovider::tfplugin::serve::main(
        hwprovider::provider::HuaweiCloud::new,
        "terraform-provider-huaweicloud",
        "huaweicloud/huaweicloud",
    ));
}
