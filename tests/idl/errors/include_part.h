/* included by include.idl */
    typedef long OK_T;
    WORD Broken([in] handle_t h);
