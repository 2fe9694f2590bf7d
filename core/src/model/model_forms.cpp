#include "quantlens/model_forms.h"

namespace ql {

std::string_view linearFormName(LinearForm form) {
    switch (form) {
        case LinearForm::F:
            return "F";
        case LinearForm::FQ:
            return "FQ";
        case LinearForm::T:
            return "T";
        case LinearForm::TPrime:
            return "T'";
        case LinearForm::M:
            return "M";
        case LinearForm::Q:
            return "Q";
        case LinearForm::QM:
            return "QM";
    }
    return "?";
}

std::optional<LinearForm> linearFormFromName(std::string_view name) {
    for (LinearForm f : {LinearForm::F, LinearForm::FQ, LinearForm::T, LinearForm::TPrime, LinearForm::M, LinearForm::Q,
                         LinearForm::QM}) {
        if (name == linearFormName(f)) {
            return f;
        }
    }
    if (name == "Tprime") {
        return LinearForm::TPrime;
    }
    return std::nullopt;
}

std::string_view attentionImplName(AttentionImpl impl) {
    return impl == AttentionImpl::Eager ? "eager" : "sdpa";
}

std::optional<AttentionImpl> attentionImplFromName(std::string_view name) {
    if (name == "eager") {
        return AttentionImpl::Eager;
    }
    if (name == "sdpa") {
        return AttentionImpl::Sdpa;
    }
    return std::nullopt;
}

}  // namespace ql
